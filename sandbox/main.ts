import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSettings } from '../shared/config';
import { consoleLogger } from './console-logger';
import { ensureDashboardBuilt } from './dashboard-build';
import { localAlertTransports } from './local-alerts';
import { startSandbox } from './server';
import { readSandboxSettings } from './settings';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Everything the sandbox writes (store, key, outbox with webhook secrets) is its owner's alone: 0600 / 0700.
process.umask(0o077);

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main() {
  const settings = readSettings();
  const sandbox = readSandboxSettings();
  const logger = consoleLogger(settings.LOG_LEVEL);
  const alertTransports = localAlertTransports({
    dataDir: sandbox.dataDir,
    smtpUrl: sandbox.CRONSENTRY_SMTP_URL,
    print: (line) => logger.info(line),
  });
  const dashboardDir = await ensureDashboardBuilt(path.join(repositoryRoot, 'dashboard'), (line) => console.log(line));
  const running = await startSandbox({
    settings,
    port: sandbox.PORT,
    host: sandbox.HOST,
    dataDir: sandbox.dataDir,
    apiKey: sandbox.CRONSENTRY_API_KEY,
    dashboardDir,
    logger,
    // Where alerts may go comes from the settings, in createServices, as on AWS.
    alerts: alertTransports,
    pingOutageFile: sandbox.CRONSENTRY_TEST_PING_OUTAGE_FILE,
  });
  console.log(
    [
      '',
      `CronSentry sandbox is running on ${running.url}`,
      `  dashboard:  ${running.url}/`,
      `  API key:    ${running.apiKey}   (read-write, project "local"; kept in ${sandbox.dataDir})`,
      `  data:       ${sandbox.dataDir}`,
      `  alerts:     e-mail ${sandbox.CRONSENTRY_SMTP_URL ? 'through CRONSENTRY_SMTP_URL' : `to ${sandbox.dataDir}/outbox/*.eml`}; webhooks, Slack and Discord over HTTP`,
      `  checker:    sweeps every ${settings.CRONSENTRY_SWEEP_SECONDS} s; minimum interval/grace ${settings.CRONSENTRY_MIN_SECONDS} s`,
      '',
      'Register a job:',
      `  curl -s -X POST ${running.url}/api/jobs -H "Authorization: Bearer ${running.apiKey}" -H "Content-Type: application/json" \\`,
      `    -d '{"name":"Database Backup","description":"Daily database backup job","schedule":"0 0 * * *","grace_time":15}'`,
      'Then add to the end of its crontab line:',
      `  && curl -fsS -m 10 --retry 5 -o /dev/null ${running.url}/api/ping/YOUR_JOB_ID`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the sandbox…`);
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`CronSentry sandbox could not start: ${(error as Error).message}`);
  process.exit(1);
});

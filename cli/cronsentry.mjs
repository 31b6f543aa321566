#!/usr/bin/env node
// The `cronsentry` command (package.json "bin"). `exec` sits in front of crontab lines, so it is
// plain JavaScript loaded on its own; every other command runs the TypeScript CLI through tsx.
/* global process, console */
if (process.argv[2] === 'exec') {
  const { runExec } = await import('./exec.mjs');
  process.exitCode = await runExec(process.argv.slice(3), process.env);
} else {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { register } = await import('tsx/esm/api');
  register();
  const { runCli } = await import('./main.ts');
  const code = await runCli(
    process.argv.slice(2),
    { out: (line) => console.log(line), err: (line) => console.error(line) },
    process.env,
  );
  process.exitCode = code;
}

#!/usr/bin/env node
// The `cronsentry` command (package.json "bin"): runs the TypeScript CLI through tsx.
/* global process, console */
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { runCli } = await import('./main.ts');
const code = await runCli(
  process.argv.slice(2),
  { out: (line) => console.log(line), err: (line) => console.error(line) },
  process.env,
);
process.exitCode = code;

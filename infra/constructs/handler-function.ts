import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { REPOSITORY_ROOT } from '../paths';

/** Newest Node.js runtime in the installed aws-cdk-lib; the esbuild target follows it. */
export const HANDLER_RUNTIME = Runtime.NODEJS_24_X;
export const ESBUILD_TARGET = 'node24';
/** Some CommonJS dependencies call require() for Node built-ins; ESM output needs a require. */
export const ESM_REQUIRE_BANNER =
  "import{createRequire as __csRequire}from'module';const require=__csRequire(import.meta.url);";
/** The Lambda entry points, relative to the repository root. */
export const HANDLER_ENTRIES = {
  ping: 'functions/ping/index.ts',
  api: 'functions/api/index.ts',
  badge: 'functions/badge/index.ts',
  checker: 'functions/checker/index.ts',
  notifier: 'functions/notifier/index.ts',
  events: 'functions/events/index.ts',
  monitor: 'functions/monitor/index.ts',
} as const;

export interface HandlerFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/ping/index.ts`; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 256 — arm64 at 256 MB keeps cold starts of the bundled SDK short at little cost */
  readonly memorySize?: number;
  /** Settings the handler reads through shared/config.ts. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** @default - no reservation */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * One Lambda function with the defaults every CronSentry handler shares: bundled locally by esbuild
 * (never Docker), ESM, minified with source maps, arm64, its own log group with a retention, and its
 * own role that starts with nothing but the right to write to that log group. Everything else is
 * granted explicitly by the construct that owns the function, so each role stays least privilege.
 */
export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // Our own role instead of the default one: the default attaches the AWS managed
    // AWSLambdaBasicExecutionRole, which may write to every log group of the account.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${id}: ${props.description}`,
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(REPOSITORY_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: path.join(REPOSITORY_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: HANDLER_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      // Stack traces point at our TypeScript through the linked map (SourceMapMode.DEFAULT), read only
      // when a trace is formatted (functions/source-mapped-stacks.ts). Not NODE_OPTIONS=--enable-source-maps:
      // that parses the whole map at every cold start (`npm run bench -- coldstart`, docs/benchmarks.md).
      environment: props.environment,
      bundling: {
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // The AWS SDK is bundled on purpose (measured; see docs/deploy.md): the function then runs the
        // exact SDK versions the tests ran, and tree-shaking keeps the bundle small.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        // Always the local esbuild: there is no Docker engine where CronSentry is built and tested.
        forceDockerBundling: false,
      },
    });
  }
}

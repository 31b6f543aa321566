/**
 * IAM proven from the template: every AWS call the functions made anywhere in the suite
 * (handler, end-to-end and bundled-artifact tests record them, see test/support/aws-calls.ts) is
 * evaluated against that function's role in the synthesized template by a real IAM policy
 * evaluator. Every call must be allowed; every grant must be used by some call (or be listed below
 * with the reason no test can record it); and each role is refused what it must not touch.
 * This file runs after all others (vitest.config.ts), on what they recorded.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_REGION } from '../../sandbox/local-store';
import { FUNCTION_NAMES, type AwsCall, type FunctionName } from '../../shared/adapters/aws-call-recorder';
import { TABLE_DEFINITION } from '../../shared/storage/table-definition';
import { readRecordedCalls, TEST_ACCOUNT } from '../support/aws-calls';
import { asArray, removeSynthFolders, statementsOfRole, synthStack, type Synthesized } from './support';
import { templateResolver } from './template-arns';

afterAll(removeSynthFolders);
vi.setConfig({ testTimeout: 120_000 });

const SENDER = 'alerts@example.com';
const REGION = LOCAL_REGION;

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: string | string[];
}

/** One synthesized stack with each role's policies resolved to concrete ARNs. */
function deployment(stackName: string) {
  // awsEvents on, so that the events function's role is proven too.
  const s = synthStack({ alertEmailFrom: SENDER, stackName, awsEvents: true });
  const resolver = templateResolver(s.template, { account: TEST_ACCOUNT, region: REGION, stackName });
  const handlers = {
    ping: s.stack.api.pingFunction,
    api: s.stack.api.apiFunction,
    badge: s.stack.api.badgeFunction,
    checker: s.stack.checker.handler,
    notifier: s.stack.alerts.notifier,
    events: s.stack.awsEvents!.handler,
  };
  const statements = Object.fromEntries(
    FUNCTION_NAMES.map((fn) => [
      fn,
      resolver.resolve(statementsOfRole(s.template, s.logicalId(handlers[fn].role))) as Statement[],
    ]),
  ) as Record<FunctionName, Statement[]>;
  const arn = (construct: Parameters<Synthesized['logicalId']>[0]) => resolver.ref(s.logicalId(construct));
  const tableArn = resolver.getAtt(s.logicalId(s.stack.table.table), 'Arn');
  return {
    statements,
    tableArn,
    alertsTopic: arn(s.stack.alerts.topic),
    operatorTopic: arn(s.stack.monitoring.operatorTopic),
    indexArn: (name: string) => `${tableArn}/index/${name}`,
  };
}

type Deployment = ReturnType<typeof deployment>;

async function evaluate(fn: FunctionName, statements: readonly Statement[], action: string, resource: string) {
  const result = await runSimulation(
    {
      identityPolicies: [{ name: `${fn}-role`, policy: { Version: '2012-10-17', Statement: statements } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: `arn:aws:iam::${TEST_ACCOUNT}:role/cronsentry-${fn}`,
        action,
        resource: { resource, accountId: TEST_ACCOUNT },
        contextVariables: {},
      },
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation failed: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

/**
 * The recorded call's resource as it would be on AWS: the stack's own table and topics carry
 * local names in tests, so they become the template's; every other ARN is taken as recorded.
 */
function onAws(call: AwsCall, d: Deployment): string {
  if (call.stackResource === 'alerts-topic') return d.alertsTopic;
  if (call.stackResource === 'operator-topic') return d.operatorTopic;
  if (call.stackResource === 'table') {
    const index = /\/index\/(.+)$/.exec(call.resource)?.[1];
    return index ? d.indexArn(index) : d.tableArn;
  }
  return call.resource;
}

const calls = readRecordedCalls();
const defaults = deployment('CronSentry');

/** Each distinct (function, action, resource) once, resolved to the deployed ARN. */
function distinctCalls(d: Deployment) {
  const seen = new Map<string, { fn: FunctionName; action: string; resource: string }>();
  for (const call of calls) {
    const resource = onAws(call, d);
    seen.set(`${call.function} ${call.action} ${resource}`, { fn: call.function, action: call.action, resource });
  }
  return [...seen.values()];
}

/**
 * Grants no test can exercise, each with its reason. Anything granted and neither used by a
 * recorded call nor listed here fails the test: drop the grant, or write the test that uses it.
 */
const NOT_RECORDABLE: readonly { fns: readonly FunctionName[]; action: string; resource?: RegExp; why: string }[] = [
  {
    fns: FUNCTION_NAMES,
    action: 'logs:CreateLogStream',
    why: "Lambda's runtime writes the function's logs with the role, not our code",
  },
  {
    fns: FUNCTION_NAMES,
    action: 'logs:PutLogEvents',
    why: "Lambda's runtime writes the function's logs with the role, not our code",
  },
  {
    fns: ['notifier'],
    action: 'sqs:SendMessage',
    why: "Lambda's asynchronous invocation hands a failed event to the on-failure queue with the role, not our code",
  },
  {
    fns: ['events'],
    action: 'dynamodb:Query',
    why: "the ping service's per-minute limit (ping-rate.ts) reads a job's newest pings only after a container counted a minute's worth of signals for it; the ping role's same Query is recorded by the handler tests, the bundled events test sends a handful",
  },
  {
    fns: ['api', 'notifier'],
    action: 'ses:SendEmail',
    resource: /:identity\/example\.com$/,
    why: 'SES authorizes a send against the identity the operator verified, the address or its domain; the suite sends as the address',
  },
];

describe('AWS calls recorded by the suite', () => {
  it('come from every function (the suite ran, and recording works everywhere)', () => {
    const byFunction = new Set(calls.map((call) => call.function));
    expect(
      [...FUNCTION_NAMES].filter((fn) => !byFunction.has(fn)),
      'no recorded calls: run the whole suite (npm test), not this file alone',
    ).toEqual([]);
  });

  it("are each allowed by that function's role in the synthesized template", async () => {
    const refused: string[] = [];
    for (const call of distinctCalls(defaults)) {
      const decision = await evaluate(call.fn, defaults.statements[call.fn], call.action, call.resource);
      if (decision !== 'Allowed') refused.push(`${call.fn}: ${call.action} on ${call.resource} → ${decision}`);
    }
    expect(refused).toEqual([]);
  });
});

describe('every permission a role grants', () => {
  it('is used by a recorded call of that function, or listed as not recordable with the reason', async () => {
    const recorded = distinctCalls(defaults);
    const unused: string[] = [];
    for (const fn of FUNCTION_NAMES) {
      for (const statement of defaults.statements[fn].filter((st) => st.Effect === 'Allow')) {
        for (const action of asArray(statement.Action)) {
          for (const resource of asArray(statement.Resource)) {
            const excused = NOT_RECORDABLE.some(
              (entry) => entry.fns.includes(fn) && entry.action === action && (entry.resource?.test(resource) ?? true),
            );
            if (excused) continue;
            const grant: Statement[] = [{ Effect: 'Allow', Action: action, Resource: resource }];
            let used = false;
            for (const call of recorded.filter((c) => c.fn === fn && c.action === action)) {
              if ((await evaluate(fn, grant, call.action, call.resource)) === 'Allowed') {
                used = true;
                break;
              }
            }
            if (!used) unused.push(`${fn}: ${action} on ${resource}`);
          }
        }
      }
    }
    expect(unused).toEqual([]);
  });

  it('lists as not recordable only what is still granted', () => {
    for (const entry of NOT_RECORDABLE) {
      for (const fn of entry.fns) {
        const granted = defaults.statements[fn].some(
          (st) =>
            st.Effect === 'Allow' &&
            asArray(st.Action).includes(entry.action) &&
            asArray(st.Resource).some((resource) => entry.resource?.test(resource) ?? true),
        );
        expect(granted, `${fn}: ${entry.action}`).toBe(true);
      }
    }
  });
});

describe('each role is refused what it must not touch', () => {
  const other = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${TEST_ACCOUNT}:${resource}`;
  const anotherTable = other('dynamodb', 'table/another-application');
  const indexes = TABLE_DEFINITION.indexes.map((index) => index.name);

  async function expectRefused(
    d: Deployment,
    fn: FunctionName,
    action: string,
    resource: string,
    how: 'ExplicitlyDenied' | 'ImplicitlyDenied' = 'ImplicitlyDenied',
  ) {
    expect(await evaluate(fn, d.statements[fn], action, resource), `${fn}: ${action} on ${resource}`).toBe(how);
  }

  it('no role reaches another table, scans, or changes the table itself', async () => {
    for (const fn of FUNCTION_NAMES) {
      for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:DeleteItem']) {
        await expectRefused(defaults, fn, action, anotherTable);
      }
      for (const action of [
        'dynamodb:Scan',
        'dynamodb:DeleteTable',
        'dynamodb:UpdateTable',
        'dynamodb:BatchWriteItem',
      ]) {
        await expectRefused(defaults, fn, action, defaults.tableArn);
      }
    }
  });

  it('only the checker queries the indexes, and the api the status and due ones; checker, notifier and badge delete nothing', async () => {
    for (const fn of ['ping', 'notifier', 'badge'] as const) {
      for (const index of indexes) await expectRefused(defaults, fn, 'dynamodb:Query', defaults.indexArn(index));
    }
    // Status filters and the summary (the status index, and the checker's backlog in the due index).
    for (const index of indexes.filter((name) => name !== 'status' && name !== 'due')) {
      await expectRefused(defaults, 'api', 'dynamodb:Query', defaults.indexArn(index));
    }
    for (const fn of ['checker', 'notifier', 'badge'] as const) {
      await expectRefused(defaults, fn, 'dynamodb:DeleteItem', defaults.tableArn);
    }
    // Badges only read: no write of any kind, no topic.
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem']) {
      await expectRefused(defaults, 'badge', action, defaults.tableArn);
    }
    await expectRefused(defaults, 'badge', 'sns:Publish', defaults.alertsTopic);
  });

  it('ping publishes to the alerts topic only, the checker to it and the operator topic (the outage guard), and neither sends e-mail', async () => {
    for (const fn of ['ping', 'checker'] as const) {
      await expectRefused(defaults, fn, 'sns:Publish', other('sns', 'cronsentry-ops'));
      await expectRefused(defaults, fn, 'ses:SendEmail', other('ses', `identity/${SENDER}`));
    }
    await expectRefused(defaults, 'ping', 'sns:Publish', defaults.operatorTopic);
    expect(await evaluate('checker', defaults.statements.checker, 'sns:Publish', defaults.operatorTopic)).toBe(
      'Allowed',
    );
  });

  it('api and notifier may not publish to the stack’s own topics (explicit Deny), nor outside snsChannelTopics', async () => {
    // A stack named cronsentry-… names its topics cronsentry-… too: inside the default allowed
    // prefix, so only the explicit Deny keeps tenants' channels out of them.
    const lowerCase = deployment('cronsentry-prod');
    for (const d of [defaults, lowerCase]) {
      for (const fn of ['api', 'notifier'] as const) {
        await expectRefused(d, fn, 'sns:Publish', d.alertsTopic, 'ExplicitlyDenied');
        await expectRefused(d, fn, 'sns:Publish', d.operatorTopic, 'ExplicitlyDenied');
      }
    }
    expect(lowerCase.alertsTopic).toMatch(/:cronsentry-/);
    for (const fn of ['api', 'notifier'] as const) {
      await expectRefused(defaults, fn, 'sns:Publish', other('sns', 'another-application-topic'));
      await expectRefused(defaults, fn, 'sns:Publish', `arn:aws:sns:${REGION}:210987654321:cronsentry-ops`);
      await expectRefused(defaults, fn, 'sns:Publish', `arn:aws:sns:eu-west-3:${TEST_ACCOUNT}:cronsentry-ops`);
      await expectRefused(defaults, fn, 'ses:SendEmail', other('ses', 'identity/someone-else@example.org'));
      await expectRefused(defaults, fn, 'ses:SendRawEmail', other('ses', `identity/${SENDER}`));
    }
  });
});

import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AWS_EVENT_TYPES } from '../../shared/domain/aws-events';
import { asArray, removeSynthFolders, statementsOfRole, synthStack } from '../infra/support';

afterAll(removeSynthFolders);
vi.setConfig({ testTimeout: 120_000 });

describe('the awsEvents setting', () => {
  it('is off by default: no rule on the default bus, no events function', () => {
    const { template, stack } = synthStack();
    expect(stack.awsEvents).toBeUndefined();
    const patterns = Object.values(template.findResources('AWS::Events::Rule')).map((r) =>
      JSON.stringify(r.Properties.EventPattern ?? {}),
    );
    expect(patterns.filter((p) => p.includes('aws.ecs') || p.includes('aws.states'))).toEqual([]);
  });

  describe('on', () => {
    const s = synthStack({ awsEvents: 'true' });
    const events = s.stack.awsEvents!;

    it('adds one rule per event type on the default bus, matching only the states that start or end a run', () => {
      for (const type of AWS_EVENT_TYPES) {
        s.template.hasResourceProperties('AWS::Events::Rule', {
          EventBusName: Match.absent(),
          State: 'ENABLED',
          EventPattern: {
            source: [type.source],
            'detail-type': [type.detailType],
            detail: { [type.field]: [...type.states] },
          },
          Targets: [
            Match.objectLike({
              Arn: { 'Fn::GetAtt': [s.logicalId(events.handler.function), 'Arn'] },
              RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
            }),
          ],
        });
      }
      expect(events.rules).toHaveLength(AWS_EVENT_TYPES.length);
      // Each rule may invoke the function, and nothing else may.
      const permissions = Object.values(s.template.findResources('AWS::Lambda::Permission')).filter((p) =>
        JSON.stringify(p.Properties.FunctionName).includes(s.logicalId(events.handler.function)),
      );
      expect(permissions).toHaveLength(AWS_EVENT_TYPES.length);
      for (const permission of permissions) expect(permission.Properties.Principal).toBe('events.amazonaws.com');
    });

    it('gives the events function the table item calls and the alerts topic, nothing more', () => {
      const role = s.logicalId(events.handler.role);
      const statements = statementsOfRole(s.template, role).filter((st) => st.Effect === 'Allow');
      const byAction = new Map<string, string>();
      for (const statement of statements) {
        for (const action of asArray(statement.Action)) byAction.set(action, JSON.stringify(statement.Resource));
      }
      const table = JSON.stringify({ 'Fn::GetAtt': [s.logicalId(s.stack.table.table), 'Arn'] });
      const topic = JSON.stringify({ Ref: s.logicalId(s.stack.alerts.topic) });
      expect(Object.fromEntries(byAction)).toEqual({
        'dynamodb:GetItem': table,
        'dynamodb:BatchGetItem': table,
        'dynamodb:PutItem': table,
        'dynamodb:UpdateItem': table,
        'dynamodb:Query': table,
        'sns:Publish': topic,
        'logs:CreateLogStream': expect.any(String),
        'logs:PutLogEvents': expect.any(String),
      });
    });

    it('tells the events function the public URL, like every other handler', () => {
      const variables = s.template.findResources('AWS::Lambda::Function')[s.logicalId(events.handler.function)]!
        .Properties.Environment.Variables as Record<string, unknown>;
      expect(Object.keys(variables)).toEqual(
        expect.arrayContaining(['TABLE_NAME', 'ALERTS_TOPIC_ARN', 'CRONSENTRY_PUBLIC_URL']),
      );
    });
  });
});

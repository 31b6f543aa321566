import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { removeSynthFolders, synthStack } from './support';

afterAll(removeSynthFolders);
// Each synth takes about a second alone, but many times that on a loaded two-core CI machine.
vi.setConfig({ testTimeout: 120_000 });

type Acknowledgements = Record<string, string>;

function acknowledgementsIn(app: App): Acknowledgements {
  const found: Acknowledgements = {};
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) Object.assign(found, entry.data);
    }
  }
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the stack, with every setting that adds resources turned on', () => {
    const { app } = synthStack({
      alertEmailFrom: 'alerts@example.com',
      operatorEmail: 'ops@example.com',
      corsOrigins: 'https://a.example',
      retainData: 'false',
      awsEvents: 'true',
    });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('is clean with the defaults too', () => {
    const { app } = synthStack();
    expect(new AwsSolutionsChecks(app).validateScope(app).violations).toEqual([]);
  });

  it('acknowledges each finding by rule id with a reason a reader can check', () => {
    const { app } = synthStack();
    const acknowledgements = acknowledgementsIn(app);
    expect(Object.keys(acknowledgements).length).toBeGreaterThan(0);
    for (const [rule, reason] of Object.entries(acknowledgements)) {
      expect(rule).toMatch(/AwsSolutions-[A-Z]+\d+/);
      expect(reason.length, rule).toBeGreaterThan(40);
    }
  });

  it('does report a finding when one exists (the check is not vacuous)', () => {
    const app = new App();
    const stack = new Stack(app, 'Bad');
    new Bucket(stack, 'Open', { enforceSSL: false });
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']),
    );
  });
});

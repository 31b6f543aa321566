import { Stack, Validations } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';

interface PolicyStatementJson {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

/**
 * Acknowledges every wildcard (AwsSolutions-IAM5) finding of the inline policies under `scope`, one
 * finding id at a time as cdk-nag 3 requires. Meant only for roles that aws-cdk-lib itself writes
 * (custom-resource handlers), whose statements we do not choose; our own roles acknowledge each
 * finding by name where the statement is written.
 */
export function acknowledgeCdkOwnedWildcards(scope: IConstruct, reason: string): void {
  for (const policy of scope.node.findAll().filter((c): c is CfnPolicy => c instanceof CfnPolicy)) {
    const document = Stack.of(policy).resolve(policy.policyDocument) as { Statement?: PolicyStatementJson[] };
    const findings = new Set<string>();
    for (const statement of document.Statement ?? []) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of asArray(statement.Action)) if (action.includes('*')) findings.add(`Action::${action}`);
      for (const resource of asArray(statement.Resource).map((r) => flattenCfnReference(r) as string)) {
        if (resource.includes('*')) findings.add(`Resource::${resource}`);
      }
    }
    for (const finding of findings) Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Acknowledges the AwsSolutions-IAM5 finding of one wildcard resource of our own statements, by the
 * id cdk-nag gives it (the resource with its references flattened, e.g. `<AWS::Region>`).
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flattened = flattenCfnReference(Stack.of(scope).resolve(resource)) as string;
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattened}]`, reason });
}

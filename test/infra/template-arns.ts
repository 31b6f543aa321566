import type { Template } from 'aws-cdk-lib/assertions';

/**
 * Turns the template's intrinsic functions into the concrete values CloudFormation would produce
 * in one test account and region, so a real IAM evaluator can read the policies. Physical names
 * follow CloudFormation's own pattern (`<stack>-<logical id>-<suffix>`); only the resource types
 * our roles' policies mention are known, anything else fails loudly instead of guessing.
 */
export interface Environment {
  readonly account: string;
  readonly region: string;
  /** The stack name as it appears in generated physical names. */
  readonly stackName: string;
}

type Resources = Record<string, { Type: string }>;

export function templateResolver(template: Template, env: Environment) {
  const resources = template.toJSON().Resources as Resources;
  const physicalName = (logicalId: string) => `${env.stackName}-${logicalId}-TESTSUFFIX`;
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': env.region,
    'AWS::AccountId': env.account,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': env.stackName,
  };

  function ref(name: string): string {
    if (pseudo[name] !== undefined) return pseudo[name];
    const type = resources[name]?.Type;
    switch (type) {
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${env.region}:${env.account}:${physicalName(name)}`;
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::Logs::LogGroup':
        return physicalName(name);
      default:
        throw new Error(`no test value for Ref ${name} (${type ?? 'unknown'})`);
    }
  }

  function getAtt(name: string, attribute: string): string {
    const type = resources[name]?.Type;
    if (attribute === 'Arn' && type === 'AWS::DynamoDB::GlobalTable') {
      return `arn:aws:dynamodb:${env.region}:${env.account}:table/${ref(name)}`;
    }
    if (attribute === 'Arn' && type === 'AWS::Logs::LogGroup') {
      return `arn:aws:logs:${env.region}:${env.account}:log-group:${ref(name)}:*`;
    }
    if (attribute === 'Arn' && type === 'AWS::SQS::Queue') {
      return `arn:aws:sqs:${env.region}:${env.account}:${physicalName(name)}`;
    }
    if (attribute === 'TopicArn' && type === 'AWS::SNS::Topic') return ref(name);
    throw new Error(`no test value for Fn::GetAtt ${name}.${attribute} (${type ?? 'unknown'})`);
  }

  function resolve(value: unknown): unknown {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (Array.isArray(value)) return value.map(resolve);
    const object = value as Record<string, unknown>;
    if ('Ref' in object) return ref(object.Ref as string);
    if ('Fn::GetAtt' in object) {
      const target = object['Fn::GetAtt'];
      const [name, attribute] = Array.isArray(target) ? target : (target as string).split('.');
      return getAtt(name as string, attribute as string);
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
      return (parts.map(resolve) as string[]).join(separator);
    }
    if ('Fn::Sub' in object) {
      const argument = object['Fn::Sub'];
      const [text, variables] = Array.isArray(argument)
        ? (argument as [string, Record<string, unknown>])
        : [argument as string, {}];
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name in variables) return resolve(variables[name]) as string;
        const [logicalId, attribute] = name.split('.');
        return attribute ? getAtt(logicalId!, attribute) : ref(logicalId!);
      });
    }
    return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, resolve(inner)]));
  }

  return { resolve, ref, getAtt };
}

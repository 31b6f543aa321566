import { RemovalPolicy } from 'aws-cdk-lib';
import {
  Attribute,
  AttributeType,
  Billing,
  ProjectionType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_DEFINITION, type KeyAttribute } from '../../shared/storage/table-definition';

export interface CronSentryTableProps {
  /**
   * Protect the data: deletion protection on and the table kept when the stack is deleted.
   * Turn off only for throw-away stages.
   * @default true
   */
  readonly retainData?: boolean;
}

/**
 * The single table, mapped from the same TABLE_DEFINITION the sandbox and the tests create locally,
 * so keys and indexes cannot drift between AWS and the machines where the code is tested.
 */
export class CronSentryTable extends Construct {
  readonly table: TableV2;
  /** ARN of each GSI by name; grants name these exact ARNs instead of `index/*`. */
  readonly indexArns: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: CronSentryTableProps = {}) {
    super(scope, id);
    const retainData = props.retainData ?? true;

    this.table = new TableV2(this, 'Table', {
      partitionKey: toCdkAttribute(TABLE_DEFINITION.partitionKey),
      sortKey: toCdkAttribute(TABLE_DEFINITION.sortKey),
      globalSecondaryIndexes: TABLE_DEFINITION.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: toCdkAttribute(index.partitionKey),
        sortKey: toCdkAttribute(index.sortKey),
        projectionType: ProjectionType[index.projection],
      })),
      // On demand: a cron monitor's load is tiny and spiky (on the minute); provisioned capacity would idle.
      billing: Billing.onDemand(),
      timeToLiveAttribute: TABLE_DEFINITION.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS managed key: no monthly key fee, and every use of the key shows up in CloudTrail.
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: retainData,
      removalPolicy: retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.indexArns = Object.fromEntries(
      TABLE_DEFINITION.indexes.map((index) => [index.name, `${this.table.tableArn}/index/${index.name}`]),
    );
  }
}

function toCdkAttribute(key: KeyAttribute): Attribute {
  return { name: key.name, type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER };
}

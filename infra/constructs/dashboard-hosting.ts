import fs from 'node:fs';
import path from 'node:path';
import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/ping/viewer-address';
import { acknowledgeCdkOwnedWildcards } from '../nag';

/** The status codes CloudFront caches (and lets a custom error response configure). */
const CACHED_ERROR_CODES = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504];

export interface DashboardHostingProps {
  /** Folder holding the built dashboard (Vite output); must contain index.html. */
  readonly dashboardDir: string;
  /** Host name of the HTTP API endpoint, e.g. `abc123.execute-api.eu-west-1.amazonaws.com`. */
  readonly apiDomainName: string;
  /**
   * Sent to the API in ORIGIN_SECRET_HEADER on every request; the ping function trusts the viewer
   * address header only when it carries this value.
   */
  readonly originSecret: string;
}

/**
 * The dashboard's static files in a private bucket behind CloudFront (origin access control: only
 * this distribution can read the bucket), and `/api/*` on the same distribution routed to the HTTP
 * API, so the dashboard calls its API on its own origin and needs no CORS.
 */
export class DashboardHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly deployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: DashboardHostingProps) {
    super(scope, id);
    assertDashboardBuilt(props.dashboardDir);

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Only build output lives here; it is re-uploaded by every deploy, so nothing is lost with it.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: regionalName(this, 'SecurityHeaders', 128),
      comment: 'CronSentry: security headers for the dashboard and the API',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // Everything from our own origin, nothing from a CDN (the dashboard works offline);
          // inline style attributes are allowed because components set them, inline scripts are not.
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    // Client-side routes (/jobs/123) have no file in the bucket; serve index.html for any path
    // without a file extension. Done at the viewer instead of with custom error responses, which
    // would also turn the API's own 404s into the dashboard page.
    const spaRoutes = new CloudFrontFunction(this, 'SpaRoutes', {
      runtime: FunctionRuntime.JS_2_0,
      comment: 'CronSentry: serve index.html for dashboard routes',
      code: FunctionCode.fromInline(
        [
          'function handler(event) {',
          '  var request = event.request;',
          "  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);",
          "  if (last.indexOf('.') === -1) request.uri = '/index.html';",
          '  return request;',
          '}',
        ].join('\n'),
      ),
    });

    // The API sees CloudFront's edge as the caller. Write the viewer's address into a header the
    // ping function reads (overwriting anything the viewer sent under that name); the origin's
    // secret header below tells the function the value came from here.
    const viewerAddress = new CloudFrontFunction(this, 'ViewerAddress', {
      runtime: FunctionRuntime.JS_2_0,
      comment: "CronSentry: pass the viewer's address to the API",
      code: FunctionCode.fromInline(
        [
          'function handler(event) {',
          `  event.request.headers['${VIEWER_ADDRESS_HEADER}'] = { value: event.viewer.ip };`,
          '  return event.request;',
          '}',
        ].join('\n'),
      ),
    });

    // CloudFront is global: names derived from the construct path alone would collide when the
    // same stack is deployed in two regions of one account, so the region is part of each name.
    const originAccessControl = new S3OriginAccessControl(this, 'OriginAccess', {
      originAccessControlName: regionalName(this, 'OAC', 64),
      description: 'CronSentry: only this distribution reads the dashboard bucket',
    });

    // The HTTP API: the management API under /api, Healthchecks-compatible pings under /ping.
    const toHttpApi: BehaviorOptions = {
      origin: new HttpOrigin(props.apiDomainName, {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
        customHeaders: { [ORIGIN_SECRET_HEADER]: props.originSecret },
      }),
      // An API key must never cross the internet in clear text, so plain HTTP is refused
      // rather than redirected (a redirected POST would be replayed as a GET anyway).
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Every viewer header but Host (API Gateway routes on its own host name) and every query
      // string. With caching disabled this managed policy also forwards Authorization, which a
      // custom origin request policy may not name.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: securityHeaders,
      functionAssociations: [{ function: viewerAddress, eventType: FunctionEventType.VIEWER_REQUEST }],
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'CronSentry dashboard and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America and Europe edges only: the cheapest class; other viewers are served from there.
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket, { originAccessControl }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [{ function: spaRoutes, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/api/*': toHttpApi,
        '/ping/*': toHttpApi,
        '/badge/*': toHttpApi,
      },
      // CloudFront's error caching minimum TTL is 10 s by default: a 429 or 503 at the top of the hour
      // must never be answered again, from the edge, to another job's ping. Error caching is set per
      // distribution, not per path; the static files lose nothing by it.
      errorResponses: CACHED_ERROR_CODES.map((httpStatus) => ({ httpStatus, ttl: Duration.seconds(0) })),
    });

    this.deployment = new BucketDeployment(this, 'Upload', {
      sources: [Source.asset(props.dashboardDir)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });

    this.acknowledgeNagFindings();
  }

  private acknowledgeNagFindings(): void {
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the built dashboard (no user data) and only this distribution can read it; ' +
        'server access logs would record nothing but CloudFront fetching the same public files.',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Cron jobs ping from anywhere; a geo restriction would silently drop pings and alert falsely.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF by default (a web ACL costs at least $5 a month, more than the rest of a small install); ' +
          'the API stage is throttled and every route validates its input. Attach a web ACL for public installs.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'Standard logging needs an ACL-enabled log bucket; every /api request is already in the API access ' +
          'log, and the static files carry no user data.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution serves the default *.cloudfront.net certificate, whose ' +
          'TLS policy CloudFront fixes; a minimum protocol version can only be set with a custom certificate.',
      },
    );

    // BucketDeployment's handler is a singleton aws-cdk-lib adds to the stack, outside this construct.
    const uploader = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (!uploader) throw new Error('BucketDeployment handler not found; aws-cdk-lib changed its construct id');
    Validations.of(uploader).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'Role written by aws-cdk-lib for its BucketDeployment handler; it runs only during deploys.',
      },
      {
        id: 'AwsSolutions-L1',
        reason: 'aws-cdk-lib pins the runtime of its BucketDeployment handler (Python, with the AWS CLI layer).',
      },
    );
    acknowledgeCdkOwnedWildcards(
      uploader,
      'Grants aws-cdk-lib writes for BucketDeployment: read the CDK asset bucket, sync into the dashboard ' +
        'bucket, and create a CloudFront invalidation (which supports no resource-level permission).',
    );
  }

  /** `https://d123.cloudfront.net`, without a trailing slash. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}

/** A name unique to this construct's path and the stack's region (a token when synth is region-agnostic). */
function regionalName(scope: Construct, suffix: string, maxLength: number): string {
  // 16 characters are left for "-<region>" (the longest regions have 14) and one more "-".
  const base = Names.uniqueResourceName(scope, { maxLength: maxLength - suffix.length - 17 });
  return `${base}-${suffix}-${Stack.of(scope).region}`;
}

/**
 * Synth fails here, with what to do, rather than deploying an empty site: the dashboard is built
 * by its own command and the CDK app does not run a front-end build as a side effect of synth.
 */
export function assertDashboardBuilt(dashboardDir: string): void {
  if (!fs.existsSync(path.join(dashboardDir, 'index.html'))) {
    throw new Error(
      `The dashboard is not built: ${path.join(dashboardDir, 'index.html')} does not exist. ` +
        'Build it first (npm run build:dashboard), or point -c dashboardDir=<folder> at a built dashboard.',
    );
  }
}

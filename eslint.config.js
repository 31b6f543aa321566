import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'cdk.out',
      'dist',
      'dashboard/dist',
      'coverage',
      'test-results',
      '.cronsentry',
      'contract/api-types.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through shared/config.ts.' },
      ],
    },
  },
  {
    // The config module, the sandbox launcher, tests, benchmarks and the CDK app may read the environment.
    files: ['shared/config.ts', 'sandbox/**', 'test/**', 'bench/**', 'infra/**', 'cli/**', '*.config.*'],
    rules: { 'no-restricted-properties': 'off' },
  },
  ...layerRules(),
);

/**
 * Layers point one way: domain <- app <- (alerts, storage, adapters) <- wiring <- functions <- sandbox <- cli.
 * Each folder may import only the layers below it (alerts, storage and adapters never import each
 * other: what they share lives in app or domain). `shared/errors.ts` and `shared/config.ts` sit
 * beside the domain and import nothing of ours. No exceptions: a rule that needs one means a type
 * or a port is in the wrong place.
 */
function layerRules() {
  const above = {
    'shared/domain': [
      'app',
      'alerts',
      'storage',
      'adapters',
      'wiring',
      'errors',
      'config',
      'functions',
      'sandbox',
      'cli',
    ],
    'shared/app': ['alerts', 'storage', 'adapters', 'wiring', 'config', 'functions', 'sandbox', 'cli'],
    'shared/alerts': ['storage', 'adapters', 'wiring', 'functions', 'sandbox', 'cli'],
    'shared/storage': ['alerts', 'adapters', 'wiring', 'functions', 'sandbox', 'cli'],
    'shared/adapters': ['alerts', 'storage', 'wiring', 'functions', 'sandbox', 'cli'],
    'shared/wiring': ['functions', 'sandbox', 'cli'],
    functions: ['sandbox', 'cli'],
    sandbox: ['cli'],
  };
  // Libraries that belong to the edges only.
  const edgeOnly = {
    'shared/domain': ['@aws-sdk/*', '@middy/*', 'aws-lambda', '@aws-lambda-powertools/*'],
    'shared/app': ['@aws-sdk/*', '@middy/*', 'aws-lambda', '@aws-lambda-powertools/*'],
    'shared/alerts': ['@aws-sdk/*', '@middy/*', 'aws-lambda'],
    'shared/storage': ['@middy/*', 'aws-lambda'],
  };
  const rule = (folder) => [
    'error',
    {
      patterns: [
        {
          regex: `^(\\.\\./)+(shared/)?(${above[folder].join('|')})(\\.ts)?(/|$)`,
          message: `${folder} may not import a layer above it (see README "How it works").`,
        },
        ...(edgeOnly[folder]
          ? [{ group: edgeOnly[folder], message: `${folder} stays free of AWS, middy and Lambda.` }]
          : []),
      ],
    },
  ];
  const single = ['shared/errors.ts', 'shared/config.ts'].map((file) => ({
    files: [file],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.', message: `${file} imports nothing of ours.` }] },
      ],
    },
  }));
  return [
    ...Object.keys(above).map((folder) => ({
      files: [`${folder}/**`],
      rules: { 'no-restricted-imports': rule(folder) },
    })),
    ...single,
  ];
}

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
  {
    // Dependencies point inward: the domain knows nothing of AWS, middy or Lambda.
    files: ['shared/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@aws-sdk/*', '@middy/*', 'aws-lambda', '../storage/*', '../adapters/*', '../app/*'] },
      ],
    },
  },
);

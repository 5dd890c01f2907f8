import tseslint from 'typescript-eslint';

export default tseslint.config({ ignores: ['**/dist/**', '**/node_modules/**'] }, ...tseslint.configs.recommended, {
  rules: {
    '@typescript-eslint/no-explicit-any': 'error',
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    'no-restricted-imports': [
      'error',
      { patterns: [{ group: ['@lamdagent/*/src/*', '@lamdagent/*/dist/*'], message: 'Import a package through its public entry only.' }] },
    ],
    // Two installed copies of core make two sets of error classes: test the kind with isInstance.
    'no-restricted-syntax': [
      'error',
      {
        selector:
          "BinaryExpression[operator='instanceof'][right.name=/^(LamdagentError|ConfigError|PluginError|UsageError|StudyLockedError|MergeOptionsError|TensorMismatchError|DatasetError|TaskOptionsError|BackendError)$/]",
        message: 'Use LamdagentError.isInstance(e) (or ConfigError.isInstance(e), ...): instanceof fails across two copies of @lamdagent/core.',
      },
    ],
  },
});

#!/usr/bin/env node
/**
 * CDK app: `npx cdk synth|deploy -c config=path/to/rotation.config.json` (JSON or YAML).
 * `-c nag=false` skips the cdk-nag AwsSolutions checks (on by default).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigValidationError } from '../lib/config/config-validation-error';
import { loadConfig } from '../lib/config/load-config';
import { RotationStack } from '../lib/rotation-stack';

function main(): void {
  const app = new App();
  const configPath = app.node.tryGetContext('config');
  if (typeof configPath !== 'string' || configPath === '') {
    throw new Error('no config given: run with -c config=path/to/rotation.config.json (see docs/cdk.md)');
  }
  const config = loadConfig(configPath);
  new RotationStack(app, config.stackName, {
    config,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  if (app.node.tryGetContext('nag') !== 'false' && app.node.tryGetContext('nag') !== false) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  app.synth();
}

try {
  main();
} catch (error) {
  if (error instanceof ConfigValidationError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

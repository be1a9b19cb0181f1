import * as logs from 'aws-cdk-lib/aws-logs';

/** Maps a validated number of days to CDK's enum (the validator accepts only values CloudWatch accepts). */
export function retentionDays(days: number): logs.RetentionDays {
  const match = Object.values(logs.RetentionDays).find((value) => value === days);
  if (match === undefined)
    throw new Error(`log retention must be a CloudWatch Logs retention period, got ${days} days`);
  return match as logs.RetentionDays;
}

import { UsageError, type RunCommand } from './command.js';
export const run: RunCommand = async () => {
  throw new UsageError('not yet');
};

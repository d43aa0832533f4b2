import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/**
 * An exclusive lock on a folder only this process may use: `<folder>.lock` created with O_EXCL
 * holding the PID. A lock whose PID is no longer running is stale (a crash) and is taken over.
 * Returns the release, which removes the file.
 */
export function lockFolder(folder: string, lockFile = `${folder}.lock`): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) unlinkSync(lockFile);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
      if (Number.isInteger(holder) && holder > 0 && isRunning(holder))
        throw new Error(
          `the embedded database folder ${folder} is in use by process ${holder} (lock file ${lockFile}); ` +
            'stop that process, or set DATA_DIR to another folder',
        );
      unlinkSync(lockFile);
    }
  }
  throw new Error(`could not lock ${folder}: ${lockFile} keeps reappearing`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

import type { Worker } from 'node:worker_threads';

/**
 * Posts `message` to `worker` and resolves with its first reply that `isAnswer` accepts (others, e.g. a late
 * "ready", are skipped); rejects when the worker errors or exits first. `name` words the exit error.
 */
export function postAndAwaitReply<Reply>(
  worker: Worker,
  message: unknown,
  name: string,
  isAnswer: (reply: Reply) => boolean = () => true,
): Promise<Reply> {
  return new Promise((resolveReply, reject) => {
    const onMessage = (reply: Reply): void => {
      if (!isAnswer(reply)) return;
      cleanup();
      resolveReply(reply);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`${name} exited with code ${code}`));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(message);
  });
}

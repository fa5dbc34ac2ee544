import { get } from 'node:https';
import { httpAnswers } from '../components/http-health.ts';

/**
 * Whether a control-plane program's health endpoint answers 200: etcd over plain HTTP; the apiserver
 * verified against our CA; the controllers' self-signed serving certificates taken as they are.
 */
export function programAnswers(url: string, ca: Buffer): Promise<boolean> {
  if (url.startsWith('http:')) return httpAnswers(url);
  const verify = new URL(url).pathname === '/readyz' ? { ca } : { rejectUnauthorized: false };
  return new Promise((resolve) => {
    const request = get(url, { ...verify, timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

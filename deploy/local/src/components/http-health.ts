/** Whether `url` answers with `expectedStatus` within a second. */
export async function httpAnswers(url: string, expectedStatus = 200): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.status === expectedStatus;
  } catch {
    return false;
  }
}

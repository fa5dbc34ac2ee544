/**
 * Retries an admin call while the broker answers with a retriable error that kafkajs's admin does
 * not retry itself: a group coordinator still loading __consumer_offsets, or a leader not yet known
 * for a partition that was just created.
 */
export async function retryRetriable<T>(operation: () => Promise<T>, attempts = 50): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

namespace KinesisAttrib.Tests.TestSupport;

/// <summary>Waits for a condition on shared state (a lease table) that raises no event: polls it until true or the timeout.</summary>
internal static class Eventually
{
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            try
            {
                // Polling interval of a condition without a notification, not a sleep standing in for one.
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0.#} s waiting until {what}.");
            }
        }
    }
}

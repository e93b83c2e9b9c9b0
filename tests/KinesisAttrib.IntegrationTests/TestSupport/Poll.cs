namespace KinesisAttrib.IntegrationTests.TestSupport;

/// <summary>Waits for worker state that raises no event (leases held, log lines): polls it until true or the timeout.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            try
            {
                // Polling interval of a condition without a notification, not a sleep standing in for one.
                await Task.Delay(25, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }
        }
    }

    /// <summary>As above, for a condition that asks a server (a consumer's status, say).</summary>
    public static async Task UntilAsync(Func<CancellationToken, Task<bool>> condition, string what, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (!await condition(cts.Token))
            {
                // Polling interval of a condition without a notification, not a sleep standing in for one.
                await Task.Delay(25, cts.Token);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Assert.Fail($"Timed out waiting until {what}.");
        }
    }
}

using KinesisAttrib.Testing;

namespace KinesisAttrib.Tests.Failures;

public sealed class TwoPhaseCheckpointTests
{
    [Fact]
    public Task APreparedCheckpointWithApplicationState_SurvivesARestart_OnTheInMemoryLeaseStore()
        => TwoPhaseRestartScenario.RunAsync(new InMemoryLeaseStore());
}

using KinesisAttrib.Testing;
using KinesisAttrib.Tests.TestSupport;

namespace KinesisAttrib.Tests.Failures;

public sealed class TwoPhaseCheckpointTests
{
    [Fact]
    public Task APreparedCheckpointWithApplicationState_SurvivesARestart_OnTheInMemoryLeaseStore()
        => TwoPhaseRestartScenario.RunAsync(new InMemoryLeaseStore());
}

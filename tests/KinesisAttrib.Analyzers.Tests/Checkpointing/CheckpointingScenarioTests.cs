using static KinesisAttrib.Analyzers.Tests.TestSupport.CheckpointSources;
using static KinesisAttrib.Analyzers.Tests.TestSupport.AnalyzerVerifier<KinesisAttrib.Analyzers.Checkpointing.CheckpointAnalyzer>;

namespace KinesisAttrib.Analyzers.Tests.Checkpointing;

/// <summary>
/// Whole files: realistic correct handlers produce no KA2xxx diagnostic at all (precision), and a file of known-bad
/// handlers produces exactly the expected ones, each once (no rule reports another's mistake twice).
/// </summary>
public sealed class CheckpointingScenarioTests
{
    [Fact]
    public Task CorrectHandlers_ProduceNoDiagnostics() => VerifyAsync(Members("""
            // Two-phase: prepare, make the side effect durable, commit.
            [KinesisHandler("a", CheckpointMode = CheckpointMode.Manual)]
            public async Task TwoPhase(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                var prepared = await checkpointer.PrepareCheckpointAsync(ct);
                await SaveAsync(orders, ct);
                await prepared.CheckpointAsync(ct);
            }

            // Partial failure: the failed record and the rest come again; the good prefix is checkpointed.
            [KinesisHandler("b", CheckpointMode = CheckpointMode.Manual)]
            public async Task<BatchResult> Partial(IReadOnlyList<KinesisRecord<Order>> records, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                for (var i = 0; i < records.Count; i++)
                {
                    try
                    {
                        await SaveAsync(records[i].Payload, ct);
                    }
                    catch (TimeoutException)
                    {
                        if (i > 0)
                        {
                            await checkpointer.CheckpointAsync(records[i - 1].Context.SequenceNumber, records[i - 1].Context.SubSequenceNumber, ct);
                        }

                        return BatchResult.FailedAt(i);
                    }
                }

                await checkpointer.CheckpointAsync(ct);
                return BatchResult.Success;
            }

            // Every 500 records within a big batch, and once at the end.
            [KinesisHandler("c", CheckpointMode = CheckpointMode.Manual)]
            public async Task EveryN(IReadOnlyList<KinesisRecord<Order>> records, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                var handled = 0;
                foreach (var record in records)
                {
                    await SaveAsync(record.Payload, ct);
                    if (++handled % 500 == 0)
                    {
                        await checkpointer.CheckpointAsync(record.Context.SequenceNumber, record.Context.SubSequenceNumber, ct);
                    }
                }

                await checkpointer.CheckpointAsync(ct);
            }

            // Poison records go to a dead-letter store, then the batch is checkpointed.
            [KinesisHandler("d", CheckpointMode = CheckpointMode.Manual)]
            public async Task DeadLetter(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                foreach (var order in orders)
                {
                    try
                    {
                        await SaveAsync(order, ct);
                    }
                    catch (FormatException ex)
                    {
                        await SendToDeadLetterAsync(order, ex);
                    }
                }

                await checkpointer.CheckpointAsync(ct);
            }

            // A per-record handler checkpointing only marker records.
            [KinesisHandler("e", CheckpointMode = CheckpointMode.Manual)]
            public async Task Marker(Order order, RecordContext record, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                await SaveAsync(order, ct);
                if (order.Id.StartsWith("end-of-day", StringComparison.Ordinal))
                {
                    await checkpointer.CheckpointAsync(ct);
                }
            }

            // Retry a throttled checkpoint a few times; the last failure propagates.
            [KinesisHandler("f", CheckpointMode = CheckpointMode.Manual)]
            public async Task Retry(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                await SaveAsync(orders, ct);
                while (true)
                {
                    try
                    {
                        await checkpointer.CheckpointAsync(ct);
                        break;
                    }
                    catch (TimeoutException) when (!ct.IsCancellationRequested)
                    {
                        await Task.Delay(100, ct);
                    }
                }
            }

            // Work fanned out and awaited inside the call.
            [KinesisHandler("g", CheckpointMode = CheckpointMode.Manual)]
            public async Task FanOut(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                await Task.WhenAll(orders.Select(o => Task.Run(() => SaveAsync(o, ct), ct)));
                await checkpointer.CheckpointAsync(ct);
            }

            // A guard that returns early through a helper that checkpoints.
            [KinesisHandler("h", CheckpointMode = CheckpointMode.Manual)]
            public async Task Guard(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                if (orders[0].Id.Length == 0)
                {
                    await CommitAsync(checkpointer, ct);
                    return;
                }

                using var scope = new System.IO.MemoryStream();
                await SaveAsync(orders, ct);
                await checkpointer.CheckpointAsync(ct);
            }

            // After-batch mode: a mid-batch checkpoint on a long batch is allowed.
            [KinesisHandler("i")]
            public async Task Mixed(IReadOnlyList<KinesisRecord<Order>> records, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
            {
                var half = records.Count / 2;
                for (var i = 0; i < records.Count; i++)
                {
                    await SaveAsync(records[i].Payload, ct);
                    if (i == half)
                    {
                        await checkpointer.CheckpointAsync(records[i].Context.SequenceNumber, records[i].Context.SubSequenceNumber, ct);
                    }
                }
            }
        """).Replace("using System;", "using System;\nusing System.Linq;", StringComparison.Ordinal));

    [Fact]
    public Task KnownBadHandlers_ProduceExactlyTheExpectedDiagnostics() => VerifyAsync(
        Members("""
                private static IRecordProcessorCheckpointer? s_checkpointer;

                [KinesisHandler("a", CheckpointMode = CheckpointMode.Manual)]
                public async Task {|#0:SkipsTestBatches|}(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
                {
                    if (orders[0].Id == "test")
                    {
                        Log("skipped");
                        {|#1:return;|}
                    }

                    foreach (var order in orders)
                    {
                        await SaveAsync(order, ct);
                        await {|#2:checkpointer.CheckpointAsync(ct)|};
                    }

                    await checkpointer.CheckpointAsync(ct);
                }

                [KinesisHandler("b", CheckpointMode = CheckpointMode.Manual)]
                public Task {|#3:Forgets|}(IReadOnlyList<Order> orders, CancellationToken ct) => SaveAsync(orders, ct);

                [KinesisHandler("c")]
                public async Task Swallows(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
                {
                    try
                    {
                        await SaveAsync(orders, ct);
                    }
                    catch (Exception ex)
                    {
                        Log(ex.Message);
                        await {|#4:checkpointer.CheckpointAsync(ct)|};
                    }
                }

                [KinesisHandler("d")]
                public void FireAndForget(Order order, IRecordProcessorCheckpointer checkpointer)
                {
                    {|#5:s_checkpointer = checkpointer|};
                    _ = {|#6:checkpointer.CheckpointAsync()|};
                }

                [KinesisHandler("e")]
                public Task Unused(Order order, IRecordProcessorCheckpointer {|#7:checkpointer|}, CancellationToken ct) => SaveAsync(order, ct);

                [KinesisHandler("f", CheckpointMode = CheckpointMode.Manual)]
                public async Task FinallyCheckpoint(IReadOnlyList<Order> orders, IRecordProcessorCheckpointer checkpointer, CancellationToken ct)
                {
                    try
                    {
                        await SaveAsync(orders, ct);
                    }
                    finally
                    {
                        await {|#8:checkpointer.CheckpointAsync(ct)|};
                    }
                }
            """),
        Diagnostic(Descriptors.ManualCheckpointMissing).WithLocation(0).WithLocation(1)
            .WithArguments("Sample.Handlers.SkipsTestBatches", "the path that leaves at line 32 finishes without checkpointing"),
        Diagnostic(Descriptors.CheckpointPerRecord).WithLocation(2).WithArguments("orders"),
        Diagnostic(Descriptors.ManualWithoutCheckpointer).WithLocation(3).WithArguments("Sample.Handlers.Forgets"),
        Diagnostic(Descriptors.CheckpointInSwallowingCatch).WithLocation(4),
        Diagnostic(Descriptors.CheckpointerEscapes).WithLocation(5).WithArguments("is stored in 's_checkpointer'"),
        Diagnostic(Descriptors.CheckpointNotAwaited).WithLocation(6).WithArguments("IRecordProcessorCheckpointer.CheckpointAsync"),
        Diagnostic(Descriptors.UnusedCheckpointer).WithLocation(7).WithArguments(
            "checkpointer", "Sample.Handlers.Unused", "the processor checkpoints by itself in this mode, so remove the parameter or checkpoint with it"),
        Diagnostic(Descriptors.CheckpointInFinally).WithLocation(8));

    [Fact]
    public Task WhileTrueWithBreak_HasNoPathPastTheLoopWithoutIt() => VerifyAsync(Batch("""
        {
                while (true)
                {
                    if (orders.Count > 1)
                    {
                        break;
                    }

                    await SaveAsync(orders, ct);
                }

                await checkpointer.CheckpointAsync(ct);
            }
        """));

    [Fact]
    public Task ReturnAfterAStatement_IsReportedAtTheReturn() => VerifyAsync(
        Batch("""
            {
                    if (orders.Count > 1)
                    {
                        Log("many");
                        {|#1:return;|}
                    }

                    await checkpointer.CheckpointAsync(ct);
                }
            """),
        Diagnostic(Descriptors.ManualCheckpointMissing).WithLocation(0).WithLocation(1)
            .WithArguments("Sample.Handlers.M", "the path that leaves at line 30 finishes without checkpointing"));

    [Fact]
    public Task CodeWithErrors_WhileTyping_DoesNotBreakTheAnalysis() => VerifyAsync(
        Batch("""
            {
                    await checkpointer.CheckpointAsync({|CS0103:undefined|});
                    {|CS0103:Unknown|}(checkpointer);
                    {|CS0103:_field|} = checkpointer;
                    if ({|CS0103:flag|})
                    {
                        return;
                    }
                }
            """));

    [Fact]
    public Task UnusualControlFlow_IsFollowed() => VerifyAsync(
        Batch("""
            {
                    var attempts = 0;
                again:
                    try
                    {
                        try
                        {
                            await SaveAsync(orders, ct);
                        }
                        finally
                        {
                            try
                            {
                                Log("inner");
                            }
                            finally
                            {
                                Log("innermost");
                            }
                        }
                    }
                    catch (TimeoutException) when (attempts++ < 3)
                    {
                        goto again;
                    }

                    await Recurse(2);
                    Func<Task> later = async () =>
                    {
                        await Local();
                        async Task Local() => await checkpointer.CheckpointAsync(ct);
                    };
                    await later();

                    async Task Recurse(int n)
                    {
                        if (n > 0)
                        {
                            await Recurse(n - 1);
                        }
                    }
                }
            """));
}

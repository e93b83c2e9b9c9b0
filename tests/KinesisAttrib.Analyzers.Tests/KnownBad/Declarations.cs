// Known-bad handler declarations. Not compiled into the test project: KnownBadHandlersTests compiles each file of this
// folder with Shared.cs as one project (with PublishAot=true) and asserts that the analyzers report exactly the
// "expect:" markers, by id and line.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using KinesisAttrib.Handlers;
using KinesisAttrib.Processing;

[assembly: KinesisHandlerDefaults(JsonSerializerContext = typeof(KnownBad.KnownBadJsonContext))]

namespace KnownBad;

public sealed class Declarations
{
    [KinesisHandler("orders", ApplicationName = "returns-int")]
    public Task<int> ReturnsInt(Order order) => Task.FromResult(1); // expect: KA1001

    [KinesisHandler("my orders", ApplicationName = "bad-stream")] // expect: KA1002
    public void BadStreamName(Order order) { }

    [KinesisHandler("orders", ApplicationName = "twice")]
    public void First(Order order) { }

    [KinesisHandler("orders", ApplicationName = "twice")] // expect: KA1003
    public void Second(Order order) { }

    [KinesisHandler("orders", ApplicationName = "generic")]
    public void Generic<T>(T payload) { } // expect: KA1004

    [KinesisHandler("orders", ApplicationName = "private")]
    private void Private(Order order) { } // expect: KA1006

    [KinesisHandler("orders", ApplicationName = "by-ref")]
    public void ByRef(ref Order order) { } // expect: KA1007

    [KinesisHandler("orders", ApplicationName = "two-tokens")]
    public Task TwoTokens(Order order, CancellationToken stopping, CancellationToken timeout) => Task.CompletedTask; // expect: KA1008

    [KinesisHandler("orders", ApplicationName = "two-payloads")]
    public void TwoPayloads(Order order, string rawJson) { } // expect: KA1009

    [KinesisHandler("orders", ApplicationName = "async-void")]
    public async void AsyncVoid(Order order) => await Task.Yield(); // expect: KA1010

    [KinesisHandler("orders", ApplicationName = "max-records", MaxRecords = 0)] // expect: KA1011
    public void MaxRecordsZero(Order order) { }

    [KinesisHandler("orders", ApplicationName = "retries", MaxRetryAttempts = -2)] // expect: KA1011
    public void RetriesBelowNoLimit(Order order) { }

    [KinesisHandler("orders", ApplicationName = "undefined-mode", CheckpointMode = (CheckpointMode)7)] // expect: KA1012
    public void UndefinedMode(Order order) { }

    [KinesisHandler("orders", ApplicationName = "at-timestamp", InitialPosition = InitialPosition.AtTimestamp)] // expect: KA1013
    public void NoTimestamp(Order order) { }

    [KinesisHandler("orders", ApplicationName = "periodic", CheckpointMode = CheckpointMode.Periodic)] // expect: KA1014
    public void PeriodicWithoutLimit(Order order) { }

    [KinesisHandler("orders", ApplicationName = "deserializer", Deserializer = typeof(TextReader))] // expect: KA1015
    public void WrongDeserializer(Order order) { }

    [KinesisHandler("orders", ApplicationName = "format", PayloadFormat = PayloadFormat.Text)] // expect: KA1016
    public void TextIntoOrder(Order order) { }

    // Correct handlers next to the bad ones: nothing to report.
    [KinesisHandler("orders", ApplicationName = "good")]
    public Task Good(Order order, RecordContext record, IStore store, CancellationToken ct) => Task.CompletedTask;

    [KinesisHandler("orders", ApplicationName = "good-batch", MaxRecords = 500)]
    public static BatchResult GoodBatch(IReadOnlyList<KinesisRecord<Order>> orders, BatchContext batch) => BatchResult.Success;

    [KinesisHandler("orders", ApplicationName = "good-text")]
    public void GoodText(string line) { }
}

public abstract class AbstractHandlers
{
    [KinesisHandler("orders", ApplicationName = "abstract")]
    public void OnOrder(Order order) { } // expect: KA1005
}

using KinesisAttrib.Processing;

namespace KinesisAttrib.Hosting;

/// <summary>
/// Turns the registered handlers and the options into one <see cref="SchedulerPlan"/> per (application, stream). Every
/// override is applied and every setting validated here, once, before any scheduler starts, with a message naming the
/// handler; below Hosting nothing reads options again.
/// </summary>
internal static class SchedulerPlanner
{
    /// <summary>
    /// Checks the handlers against each other and the options, and works out for each its application, stream, lease
    /// table, scheduler settings and handler settings (global options, then the handler's attribute, then the
    /// application's overrides), and that the failure destination its settings name is registered in
    /// <paramref name="services"/>.
    /// </summary>
    public static IReadOnlyList<SchedulerPlan> Plan(IReadOnlyList<KinesisHandlerDescriptor> handlers, KinesisAttribOptions options, IServiceProvider services)
    {
        var resolved = new List<(KinesisHandlerDescriptor Handler, string Application, string Stream)>();
        var seen = new Dictionary<(string App, string Stream), string>();
        foreach (var handler in handlers)
        {
            var settings = handler.Settings;
            var application = settings.ApplicationName ?? options.ApplicationName
                ?? throw new InvalidOperationException($"Handler {settings.HandlerName} names no application: set ApplicationName on its [KinesisHandler], on [assembly: KinesisHandlerDefaults], or KinesisAttribOptions.ApplicationName (configuration KinesisAttrib:ApplicationName).");
            if (string.IsNullOrEmpty(settings.StreamName))
            {
                throw new InvalidOperationException($"Handler {settings.HandlerName} names no stream: set HandlerSettings.StreamName.");
            }

            var stream = options.StreamNames.TryGetValue(settings.StreamName, out var mapped) ? mapped : settings.StreamName;
            if (seen.TryGetValue((application, stream), out var other))
            {
                throw new InvalidOperationException($"Handlers {other} and {settings.HandlerName} both consume stream '{stream}' as application '{application}'. An application has one handler per stream; give one of them another ApplicationName.");
            }

            if (settings.InitialPosition == Handlers.InitialPosition.AtTimestamp && settings.InitialTimestamp is null)
            {
                throw new InvalidOperationException($"Handler {settings.HandlerName} starts AtTimestamp but has no InitialTimestamp.");
            }

            seen[(application, stream)] = settings.HandlerName;
            resolved.Add((handler, application, stream));
        }

        foreach (var name in options.Applications.Keys)
        {
            if (!resolved.Any(r => r.Application == name))
            {
                throw new InvalidOperationException($"KinesisAttrib:Applications:{name} configures an application no handler uses (known: {string.Join(", ", resolved.Select(r => r.Application).Distinct().Order(StringComparer.Ordinal))}).");
            }
        }

        var streamsPerApplication = resolved.GroupBy(r => r.Application).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        // The KCL single-stream lease schema keys leases by shard id, and shard ids repeat across streams: by default an
        // application that consumes several streams keeps one lease table per stream. When its configured
        // LeaseTableName puts several of its streams in one table, that table's lease keys carry the stream name
        // ("{stream}:{shardId}") and each scheduler sees only its own stream's leases. Two applications never share a table.
        var tables = new Dictionary<string, (string Application, string Handler)>(StringComparer.Ordinal);
        var streamsPerTable = new Dictionary<string, int>(StringComparer.Ordinal);
        var planned = new List<(KinesisHandlerDescriptor Handler, string Application, string Stream, string Table, KinesisAttribOptions Options, KinesisApplicationOptions? Overrides)>(resolved.Count);
        foreach (var (handler, application, stream) in resolved)
        {
            var name = handler.Settings.HandlerName;
            options.Applications.TryGetValue(application, out var overrides);
            var table = overrides?.LeaseTableName
                ?? (streamsPerApplication[application] > 1 ? $"{application}-{stream}" : application);
            if (tables.TryGetValue(table, out var owner) && owner.Application != application)
            {
                throw new InvalidOperationException($"Handlers {owner.Handler} and {name} would share lease table '{table}' across applications '{owner.Application}' and '{application}'; give one of the applications another LeaseTableName.");
            }

            tables[table] = (application, name);
            streamsPerTable[table] = streamsPerTable.GetValueOrDefault(table) + 1;
            var effective = ForScheduler(options, handler.Settings, overrides);
            try
            {
                effective.Validate();
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new InvalidOperationException($"Handler {name} (application '{application}', stream '{stream}'): {ex.Message}", ex);
            }

            planned.Add((handler, application, stream, table, effective, overrides));
        }

        var plans = new List<SchedulerPlan>(planned.Count);
        foreach (var p in planned)
        {
            // Settings that cannot run (e.g. a retry limit without an on-failure destination) fail the start here,
            // naming the handler, rather than every shard's initialization later.
            var settings = ForHandler(p.Handler.Settings, p.Application, p.Stream, p.Options, p.Overrides);
            settings.Validate();
            FailureDestinationResolver.Resolve(services, settings, p.Application);
            plans.Add(new SchedulerPlan(
                p.Application,
                p.Stream,
                p.Table,
                MultiStreamLeaseKeys: streamsPerTable[p.Table] > 1,
                settings,
                p.Options.ToSchedulerOptions(),
                p.Handler.CreateProcessor));
        }

        return plans;
    }

    /// <summary>The options one scheduler runs with: a copy of the global options with the handler's and then the application's overrides.</summary>
    private static KinesisAttribOptions ForScheduler(KinesisAttribOptions options, HandlerSettings handler, KinesisApplicationOptions? application)
    {
        var copy = options.Clone();
        copy.MaxRecords = application?.MaxRecords ?? handler.MaxRecords ?? copy.MaxRecords;
        copy.IdleTimeBetweenReads = application?.IdleTimeBetweenReads ?? handler.IdleTimeBetweenReads ?? copy.IdleTimeBetweenReads;
        copy.RetrievalMode = application?.RetrievalMode ?? handler.RetrievalMode ?? copy.RetrievalMode;
        copy.FanOutConsumerName = application?.FanOutConsumerName ?? copy.FanOutConsumerName;
        copy.FanOutConsumerArn = application?.FanOutConsumerArn;
        copy.MaxReadAheadBatches = application?.MaxReadAheadBatches ?? copy.MaxReadAheadBatches;
        copy.FailoverTime = application?.FailoverTime ?? copy.FailoverTime;
        copy.ShardSyncInterval = application?.ShardSyncInterval ?? copy.ShardSyncInterval;
        copy.ProcessingRetryDelay = application?.ProcessingRetryDelay ?? copy.ProcessingRetryDelay;
        return copy;
    }

    /// <summary>The handler's effective settings: where it runs, what its scheduler reads, and the application's failure-policy overrides.</summary>
    private static HandlerSettings ForHandler(HandlerSettings handler, string application, string stream, KinesisAttribOptions scheduler, KinesisApplicationOptions? overrides) => handler with
    {
        ApplicationName = application,
        StreamName = stream,
        MaxRecords = scheduler.MaxRecords,
        IdleTimeBetweenReads = scheduler.IdleTimeBetweenReads,
        RetrievalMode = scheduler.RetrievalMode,
        MaxRetryAttempts = overrides?.MaxRetryAttempts ?? handler.MaxRetryAttempts,
        BisectBatchOnError = overrides?.BisectBatchOnError ?? handler.BisectBatchOnError,
        MaxRecordAge = overrides?.MaxRecordAge ?? handler.MaxRecordAge,
        RetryDelay = overrides?.RetryDelay ?? handler.RetryDelay,
        MaxRetryDelay = overrides?.MaxRetryDelay ?? handler.MaxRetryDelay,
        FailureDestination = overrides?.FailureDestination ?? handler.FailureDestination,
    };
}

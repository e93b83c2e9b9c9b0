namespace KinesisAttrib.Handlers;

/// <summary>Why a record was sent to the on-failure destination.</summary>
public enum FailureReason
{
    /// <summary>The handler threw on it (alone, or in a batch bisected down to it) after every retry.</summary>
    HandlerFailed = 0,

    /// <summary>A batch handler kept reporting it as the first failed record (<see cref="BatchResult.FailedAt(int)"/>) after every retry.</summary>
    ReportedByHandler = 1,

    /// <summary>Its bytes could not be turned into the handler's payload, after every retry.</summary>
    DeserializationFailed = 2,

    /// <summary>It was older than the handler's maximum record age when it was read; it was not handled.</summary>
    RecordTooOld = 3,
}

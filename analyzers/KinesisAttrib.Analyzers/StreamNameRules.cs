namespace KinesisAttrib.Analyzers;

/// <summary>Kinesis stream names: 1–128 characters of <c>[a-zA-Z0-9_.-]</c> (the CreateStream API's constraint).</summary>
internal static class StreamNameRules
{
    public const int MaxLength = 128;

    /// <summary>Why <paramref name="name"/> is not a valid stream name, or null when it is.</summary>
    public static string? GetInvalidReason(string? name)
    {
        if (name is null)
        {
            return "it is null";
        }

        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"it has {name.Length} characters, more than {MaxLength}";
        }

        foreach (var c in name)
        {
            if (!IsValid(c))
            {
                var shown = char.IsWhiteSpace(c) || char.IsControl(c) ? $"U+{(int)c:X4}" : $"'{c}'";
                return $"it contains {shown}; only a-z, A-Z, 0-9, '_', '.' and '-' are allowed";
            }
        }

        return null;
    }

    private static bool IsValid(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.' or '-';
}

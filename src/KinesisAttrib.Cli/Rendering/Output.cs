using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KinesisAttrib.Cli.Infrastructure;
using KinesisAttrib.Handlers;
using Spectre.Console;

namespace KinesisAttrib.Cli.Rendering;

/// <summary>Where a command prints: Spectre.Console tables for people, source-generated JSON for scripts.</summary>
internal sealed class Output
{
    private readonly ToolEnvironment _environment;

    public Output(ToolEnvironment environment)
    {
        _environment = environment;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(environment.Out),
            Ansi = environment.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = environment.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = environment.Interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!environment.Interactive)
        {
            // Redirected output has no width; keep rows of 56-digit sequence numbers on one line each.
            Console.Profile.Width = 240;
        }
    }

    public IAnsiConsole Console { get; }

    public bool Interactive => _environment.Interactive;

    public void Json<T>(T value, JsonTypeInfo<T> typeInfo) => _environment.Out.WriteLine(JsonSerializer.Serialize(value, typeInfo));

    public void Line(string text) => _environment.Out.WriteLine(text);

    /// <summary>A checkpoint as an operator reads it: a sentinel, a sequence number (/sub-sequence), or "before N".</summary>
    public static string Position(string sequence, long subSequence) => subSequence switch
    {
        < 0 => $"before {sequence}",
        0 => sequence,
        _ => $"{sequence}/{subSequence}",
    };

    public static string Position(ExtendedSequenceNumber position) => Position(position.SequenceNumber, position.SubSequenceNumber);

    public static string Duration(TimeSpan span) => span.TotalSeconds switch
    {
        < 1 => $"{span.TotalMilliseconds:0} ms",
        < 120 => $"{span.TotalSeconds:0.#} s",
        < 7200 => $"{span.TotalMinutes:0.#} min",
        _ => $"{span.TotalHours:0.#} h",
    };
}

using System;
using System.Text;

namespace KinesisAttrib.Generators;

/// <summary>
/// Writes indented C# with <c>\n</c> line endings (so generated text is the same on every OS). <see cref="Block"/>
/// opens a brace and returns an <see cref="IDisposable"/> that closes it.
/// </summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _builder = new();
    private int _indent;

    public void WriteLine(string line)
    {
        if (line.Length > 0)
        {
            for (var i = 0; i < _indent; i++)
            {
                _builder.Append(IndentUnit);
            }

            _builder.Append(line);
        }

        _builder.Append('\n');
    }

    public void WriteLine() => _builder.Append('\n');

    /// <summary>Writes <paramref name="header"/> (if any), then <c>{</c>, and indents until the result is disposed; <paramref name="closing"/> follows the <c>}</c> (e.g. <c>);</c>).</summary>
    public IndentedBlock Block(string? header = null, string closing = "")
    {
        if (header is not null)
        {
            WriteLine(header);
        }

        WriteLine("{");
        _indent++;
        return new IndentedBlock(this, closing);
    }

    public void Indent() => _indent++;

    public void Unindent() => _indent--;

    internal void Close(string closing)
    {
        _indent--;
        WriteLine("}" + closing);
    }

    public override string ToString() => _builder.ToString();
}

/// <summary>Closes a <see cref="SourceWriter.Block"/>.</summary>
internal readonly struct IndentedBlock : IDisposable
{
    private readonly SourceWriter _writer;
    private readonly string _closing;

    public IndentedBlock(SourceWriter writer, string closing)
    {
        _writer = writer;
        _closing = closing;
    }

    public void Dispose() => _writer.Close(_closing);
}

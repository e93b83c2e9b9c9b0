using System.Diagnostics.CodeAnalysis;

namespace KinesisAttrib.IntegrationTests.TestSupport;

/// <summary>
/// Every test class marked <c>[Collection(EmulatorCollection.Name)]</c> shares one <see cref="EmulatorFixture"/>
/// (one pair of emulators for the whole run). xunit runs the classes of one collection one after another.
/// </summary>
[CollectionDefinition(Name)]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "An xunit collection definition; the suffix is xunit's convention.")]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    /// <summary>The collection's name, <c>"emulators"</c>.</summary>
    public const string Name = "emulators";
}

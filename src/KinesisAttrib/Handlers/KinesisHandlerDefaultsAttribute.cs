namespace KinesisAttrib.Handlers;

/// <summary>
/// Defaults for every <see cref="KinesisHandlerAttribute"/> of the assembly; a property set on a handler's attribute
/// wins over the same property set here.
/// </summary>
/// <example>
/// <code>
/// [assembly: KinesisHandlerDefaults(ApplicationName = "billing", JsonSerializerContext = typeof(AppJsonContext))]
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
public sealed class KinesisHandlerDefaultsAttribute : KinesisHandlerSettingsAttribute
{
}

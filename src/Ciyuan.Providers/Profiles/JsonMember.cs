namespace Ciyuan.Providers.Profiles;

/// <summary>One member of a JSON object, as byte ranges into the body it was read from.</summary>
/// <param name="Name">The property name without its quotes.</param>
/// <param name="Whole">From the name's opening quote to the end of the value.</param>
/// <param name="Value">The value token (an object or array in full).</param>
internal readonly record struct JsonMember(Range Name, Range Whole, Range Value);

using System.Xml.Linq;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>
/// What the container image declares, read from <c>src/Ciyuan/Ciyuan.csproj</c> (the one place it is
/// set), so the deployment files are checked against the image rather than against copies of its values.
/// </summary>
internal static class ImageSettings
{
    private static readonly XDocument Project = XDocument.Load(ReleaseBuild.Project);

    /// <summary>The port the image exposes and serves on (<c>ContainerPort</c>).</summary>
    public static int Port { get; } = int.Parse(Item("ContainerPort").Attribute("Include")!.Value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The numeric user the image runs as (<c>ContainerUser</c>).</summary>
    public static int User { get; } = int.Parse(Property("ContainerUser"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The image's <c>CIYUAN_DATA_DIR</c>.</summary>
    public static string DataDirectory { get; } = Project.Descendants("ContainerEnvironmentVariable")
        .Single(e => e.Attribute("Include")?.Value == "CIYUAN_DATA_DIR").Attribute("Value")!.Value;

    private static string Property(string name) => Project.Descendants(name).Single().Value;

    private static XElement Item(string name) => Project.Descendants(name).Single();
}

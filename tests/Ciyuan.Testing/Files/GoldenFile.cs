namespace Ciyuan.Testing.Files;

/// <summary>Reads golden files copied next to the test assembly (<c>Golden/...</c>).</summary>
public static class GoldenFile
{
    public static string PathOf(string relative) =>
        Path.Combine(AppContext.BaseDirectory, "Golden", relative.Replace('/', Path.DirectorySeparatorChar));

    public static byte[] ReadBytes(string relative) => File.ReadAllBytes(PathOf(relative));

    /// <summary>Names (without extension) of the files in a golden folder that end with <paramref name="suffix"/>.</summary>
    public static IEnumerable<string> CaseNames(string folder, string suffix) =>
        Directory.EnumerateFiles(PathOf(folder), "*" + suffix)
            .Select(path => Path.GetFileName(path)[..^suffix.Length])
            .Order(StringComparer.Ordinal);
}

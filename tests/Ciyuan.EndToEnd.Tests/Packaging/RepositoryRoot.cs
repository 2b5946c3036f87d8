using System.Diagnostics;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>The clone the tests run from: the folder above the test binaries that holds <c>Ciyuan.slnx</c>.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(directory.FullName, "Ciyuan.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new UnreachableException("The tests run from inside the repository, which has Ciyuan.slnx at its root.");
    }
}

namespace Ciyuan.Storage;

/// <summary>
/// The ledger, keys' hashes and hold journals are the operator's alone: directories are created
/// 0700 and files 0600 (on Unix; Windows inherits the directory's ACL), and existing ones are
/// tightened when opened, whatever the process's umask.
/// </summary>
internal static class PrivateFiles
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, DirectoryMode);
        File.SetUnixFileMode(path, DirectoryMode);
    }

    /// <summary>Creates the file empty (0600) if missing; otherwise tightens it to 0600.</summary>
    public static void EnsureFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
            return;
        }

        File.SetUnixFileMode(path, FileMode);
    }

    /// <summary>Tightens the file to 0600 when it exists.</summary>
    public static void Tighten(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }

    /// <summary>Creates (or truncates) a file for writing, readable by its owner only; the mode is set before anything is written.</summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle CreateForWriting(string path)
    {
        var handle = File.OpenHandle(path, System.IO.FileMode.Create, FileAccess.Write, FileShare.Read);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(handle, FileMode);
        }

        return handle;
    }
}

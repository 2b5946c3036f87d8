using System.Formats.Tar;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>A file or directory of an image layer: its kind, owner and permissions.</summary>
internal sealed record ImageFile(TarEntryType Type, int Uid, int Gid, UnixFileMode Mode);

using System.Buffers;
using System.Text;

namespace Ciyuan.Providers.Profiles;

/// <summary>
/// Collects edits to top-level members (remove, replace, add) and writes the new body. Members that
/// are not edited are copied byte for byte; only the whitespace between members is normalised.
/// </summary>
internal sealed class ObjectRewriter(TopLevelObject target)
{
    // Member index → replacement "name":value bytes, or null to remove the member.
    private readonly Dictionary<int, byte[]?> _edits = [];
    private readonly List<(string Name, byte[] Value)> _added = [];
    private readonly List<string> _changes = [];

    public IReadOnlyList<string> Changes => _changes;

    public bool HasEdits => _edits.Count > 0 || _added.Count > 0;

    public void Remove(int index, string change)
    {
        _edits[index] = null;
        _changes.Add(change);
    }

    public void Replace(int index, string name, byte[] value, string change)
    {
        _edits[index] = Member(name, value);
        _changes.Add(change);
    }

    /// <summary>Adds a member, or replaces it when already added by an earlier rule.</summary>
    public void Add(string name, byte[] value, string change)
    {
        _added.RemoveAll(entry => entry.Name == name);
        _added.Add((name, value));
        _changes.Add(change);
    }

    public bool IsRemoved(int index) => index >= 0 && _edits.TryGetValue(index, out var edit) && edit is null;

    public byte[] Write(ReadOnlySpan<byte> body)
    {
        var output = new ArrayBufferWriter<byte>(body.Length + 64);
        output.Write(body[..target.Open]);
        var first = true;
        for (var i = 0; i < target.Members.Count; i++)
        {
            ReadOnlySpan<byte> member;
            if (_edits.TryGetValue(i, out var edit))
            {
                if (edit is null)
                {
                    continue;
                }

                member = edit;
            }
            else
            {
                member = body[target.Members[i].Whole];
            }

            WriteSeparator(output, ref first);
            output.Write(member);
        }

        foreach (var (name, value) in _added)
        {
            WriteSeparator(output, ref first);
            output.Write(Member(name, value));
        }

        output.Write(body[target.Close..]);
        return output.WrittenSpan.ToArray();
    }

    private static void WriteSeparator(ArrayBufferWriter<byte> output, ref bool first)
    {
        if (!first)
        {
            output.Write(","u8);
        }

        first = false;
    }

    private static byte[] Member(string name, byte[] value)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var bytes = new byte[nameBytes.Length + value.Length + 3];
        bytes[0] = (byte)'"';
        nameBytes.CopyTo(bytes, 1);
        bytes[nameBytes.Length + 1] = (byte)'"';
        bytes[nameBytes.Length + 2] = (byte)':';
        value.CopyTo(bytes, nameBytes.Length + 3);
        return bytes;
    }
}

using System.Runtime.CompilerServices;
using System.Text;
using Ciyuan.Tokenizers.PreTokenization;

namespace Ciyuan.Tokenizers.Normalization;

/// <summary>
/// Unicode NFC (canonical decomposition, canonical ordering, canonical composition) from generated tables.
/// Needed because the gateway runs with InvariantGlobalization, where <see cref="string.Normalize()"/> is a no-op.
/// </summary>
internal static class Nfc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Tables s_tables = new();

    /// <summary>NFC quick check; false means "No" or "Maybe" (the caller then normalizes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsQuickNormalized(ReadOnlySpan<char> text)
    {
        var index = text.IndexOfAnyExceptInRange('\0', '\u02FF');
        if (index < 0)
        {
            return true;                        // nothing below U+0300 composes, decomposes or reorders
        }

        var tables = s_tables;
        var lastClass = 0;
        for (var i = index; i < text.Length;)
        {
            var cp = CharClass.CodePointAt(text, i, out var width);
            i += width;
            if (cp < 0x300)
            {
                lastClass = 0;
                continue;
            }

            if (!tables.MayNeedWork(cp))
            {
                lastClass = 0;
                continue;
            }

            var cc = tables.CombiningClass(cp);
            if ((cc != 0 && lastClass > cc) || tables.QuickCheckNotYes.Contains(cp))
            {
                return false;
            }

            lastClass = cc;
        }

        return true;
    }

    /// <summary>Returns the NFC form of <paramref name="text"/>; unpaired surrogates become U+FFFD.</summary>
    public static string Normalize(ReadOnlySpan<char> text)
    {
        var tables = s_tables;
        var buffer = new List<int>(text.Length + 8);
        for (var i = 0; i < text.Length;)
        {
            var cp = CharClass.CodePointAt(text, i, out var width);
            i += width;
            Decompose(tables, cp, buffer);
        }

        // Canonical ordering: stable sort of each run of non-starters by combining class.
        for (var i = 1; i < buffer.Count; i++)
        {
            var cc = tables.CombiningClass(buffer[i]);
            if (cc == 0)
            {
                continue;
            }

            var j = i;
            while (j > 0 && tables.CombiningClass(buffer[j - 1]) > cc)
            {
                (buffer[j - 1], buffer[j]) = (buffer[j], buffer[j - 1]);
                j--;
            }
        }

        // Canonical composition.
        var output = new List<int>(buffer.Count);
        var starter = -1;
        var lastClass = 0;
        foreach (var cp in buffer)
        {
            var cc = tables.CombiningClass(cp);
            if (starter >= 0 && (output.Count - 1 == starter || (lastClass != 0 && lastClass < cc)))
            {
                var composite = Compose(tables, output[starter], cp);
                if (composite >= 0)
                {
                    output[starter] = composite;
                    continue;
                }
            }

            if (cc == 0)
            {
                starter = output.Count;
            }

            lastClass = cc;
            output.Add(cp);
        }

        var sb = new StringBuilder(output.Count + 8);
        foreach (var cp in output)
        {
            sb.Append(char.ConvertFromUtf32(cp));
        }

        return sb.ToString();
    }

    private static void Decompose(Tables tables, int cp, List<int> output)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            var s = cp - SBase;
            output.Add(LBase + (s / NCount));
            output.Add(VBase + (s % NCount / TCount));
            if (s % TCount != 0)
            {
                output.Add(TBase + (s % TCount));
            }

            return;
        }

        if (tables.Decompositions.TryGetValue(cp, out var full))
        {
            output.AddRange(full);
        }
        else
        {
            output.Add(cp);
        }
    }

    private static int Compose(Tables tables, int first, int second)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            return SBase + ((((first - LBase) * VCount) + (second - VBase)) * TCount);
        }

        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            return first + (second - TBase);
        }

        return tables.Compositions.TryGetValue(((long)first << 21) | (uint)second, out var composite) ? composite : -1;
    }

    private sealed class Tables
    {
        private readonly Dictionary<int, byte> _classes = [];
        private readonly byte[] _attention = new byte[0x110000 / 8];

        public Tables()
        {
            foreach (var packed in NfcData.CombiningClasses)
            {
                _classes[packed >> 8] = (byte)packed;
                Mark(packed >> 8);
            }

            foreach (var cp in NfcData.QuickCheckNotYes)
            {
                QuickCheckNotYes.Add(cp);
                Mark(cp);
            }

            var decompositions = NfcData.Decompositions;
            for (var i = 0; i < decompositions.Length;)
            {
                var cp = decompositions[i];
                var length = decompositions[i + 1];
                Decompositions[cp] = decompositions.Slice(i + 2, length).ToArray();
                i += 2 + length;
            }

            var compositions = NfcData.Compositions;
            for (var i = 0; i < compositions.Length; i += 3)
            {
                Compositions[((long)compositions[i] << 21) | (uint)compositions[i + 1]] = compositions[i + 2];
            }
        }

        public HashSet<int> QuickCheckNotYes { get; } = [];

        public Dictionary<int, int[]> Decompositions { get; } = [];

        public Dictionary<long, int> Compositions { get; } = [];

        private void Mark(int cp) => _attention[cp >> 3] |= (byte)(1 << (cp & 7));

        public bool MayNeedWork(int cp) => (_attention[cp >> 3] & (1 << (cp & 7))) != 0;

        public int CombiningClass(int cp) => cp < 0x300 ? 0 : _classes.GetValueOrDefault(cp);
    }
}

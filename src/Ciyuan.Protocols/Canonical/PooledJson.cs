using System.Buffers;
using System.Text.Json;
using Ciyuan.Core.Canonical;

namespace Ciyuan.Protocols.Canonical;

/// <summary>
/// A JSON object read and dropped at once — a stream chunk — parsed over memory from the shared
/// pool, given back on <see cref="Dispose"/>. <see cref="JsonRead.ParseRoot"/> makes a standalone
/// element, which copies the bytes and their index each time: garbage on every chunk that is not
/// plain text. No element may outlive the document.
/// </summary>
internal readonly struct PooledJson : IDisposable
{
    private readonly byte[] _bytes;
    private readonly JsonDocument _document;

    private PooledJson(byte[] bytes, JsonDocument document)
    {
        _bytes = bytes;
        _document = document;
    }

    public JsonElement Root => _document.RootElement;

    /// <summary>The object in <paramref name="json"/>; anything else throws <see cref="TranslationException"/>, as <see cref="JsonRead.ParseRoot"/> does.</summary>
    public static PooledJson Parse(ReadOnlySpan<byte> json)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(json.Length);
        json.CopyTo(bytes);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.AsMemory(0, json.Length));
        }
        catch (JsonException e)
        {
            ArrayPool<byte>.Shared.Return(bytes);
            throw new TranslationException("$", $"the body is not valid JSON ({e.Message})", e);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            ArrayPool<byte>.Shared.Return(bytes);
            throw new TranslationException("$", "the body must be a JSON object");
        }

        return new PooledJson(bytes, document);
    }

    public void Dispose()
    {
        _document.Dispose();
        ArrayPool<byte>.Shared.Return(_bytes);
    }
}

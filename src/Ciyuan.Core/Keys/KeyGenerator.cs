using System.Security.Cryptography;

namespace Ciyuan.Core.Keys;

/// <summary>Makes new client keys: <c>cy-</c> followed by 40 base-62 characters (~238 random bits).</summary>
public static class KeyGenerator
{
    public const string KeyPrefix = "cy-";
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string NewKey() => KeyPrefix + RandomNumberGenerator.GetString(Alphabet, 40);

    public static string NewId() => "key_" + RandomNumberGenerator.GetString(Alphabet, 12);

    /// <summary>What a key list shows: the prefix and the first characters, never the whole key.</summary>
    public static string DisplayPrefix(string key) => key.Length <= 10 ? key[..Math.Min(3, key.Length)] : key[..10];
}

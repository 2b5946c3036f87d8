namespace Ciyuan.Core.Canonical;

/// <summary>One piece of message content; the subtypes are closed (the codecs switch over them).</summary>
public abstract record ContentPart;

namespace Ciyuan.Tokenizers.Chat;

/// <summary>How a family turns a chat request into a prompt token count.</summary>
internal interface IChatFormat
{
    int Count(ITokenizer tokenizer, ChatTokenCountRequest request);
}

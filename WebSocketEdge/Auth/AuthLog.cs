namespace OrleansChat.Edge.Auth;

internal static partial class AuthLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "Dev tokens are ON in environment {Environment}: anyone can get a token for any user id at {Path} and read that user's messages. Use this for demos only (Chat:Auth:DevTokens=false to turn it off)")]
    public static partial void DevTokensOn(ILogger logger, string environment, string path);
}

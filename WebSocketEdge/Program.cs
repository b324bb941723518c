using Orleans.Chat.Edge.Hosting;
using Orleans.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddChatSilo();
builder.AddChatEdge();

var app = builder.Build();
app.MapChatEdge();
app.Run();

/// <summary>Entry point, public so that tests can host the real node.</summary>
public partial class Program;

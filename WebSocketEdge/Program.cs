using OrleansChat.Edge.Cluster;
using OrleansChat.Edge.Hosting;
using OrleansChat.Edge.Telemetry;
using Orleans.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddChatSilo();
builder.AddChatEdge();
builder.AddChatCluster();
builder.AddChatTelemetry();

var app = builder.Build();
app.UseChatCluster();
app.MapChatEdge();
app.Run();

/// <summary>Entry point, public so that tests can host the real node.</summary>
public partial class Program;

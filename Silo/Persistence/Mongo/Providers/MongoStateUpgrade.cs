using MongoDB.Bson;

namespace OrleansChat.Silo.Persistence.Mongo;

/// <summary>Brings a stored state document written by an older <see cref="MongoGrainStorageOptions.StateVersion"/> up to date, in place.</summary>
public delegate void MongoStateUpgrade(string stateName, int storedVersion, BsonDocument state);

module akkatcp/refserver

go 1.19

package app

// SharedSettings are the settings every desktop shares, kept by the backend
// (GET/PUT /api/settings/shared): where the ledger is and the status thresholds. Any
// signed-in supervisor reads them; only an admin changes them. The Redis URL carries
// no credentials.
type SharedSettings struct {
	RedisURL   string     `json:"redisUrl"`
	Stream     string     `json:"stream"`
	Thresholds Thresholds `json:"thresholds"`
}

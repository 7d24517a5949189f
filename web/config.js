// Settings of the page. `snaplist serve` answers /config.js itself; a deployment writes this
// file with the API's URL and a way to get the user's Cognito ID token.
window.SNAPLIST_CONFIG = window.SNAPLIST_CONFIG || { apiBase: "/api", pollIntervalMs: 1000 };

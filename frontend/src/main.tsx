import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App';
import { startHashSync } from './stores/router';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('#root element missing from index.html');

startHashSync();

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

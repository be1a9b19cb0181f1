export * from './model';
export * from './options';
export * from './service';
export * from './store';
export * from './versions';
